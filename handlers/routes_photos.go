package handlers

import (
	"io"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/xiangbang/xiangbang/model/apperr"
	"github.com/xiangbang/xiangbang/service/auth"
	"github.com/xiangbang/xiangbang/service/photo"
)

func (s *Server) photoRoutes(api *gin.RouterGroup) {
	// Uploads get their own, larger body limit (the API group's is for JSON).
	up := s.engine.Group("/api/v1", limitBody(int64(s.d.Config.UploadLimit)+64<<10))
	up.POST("/photos", s.signedIn(auth.RoleHousehold, auth.RoleCadre, auth.RoleOfficial), s.uploadPhoto)
	api.GET("/photos/:id", s.signedIn(), s.getPhoto)
}

// uploaderOf names the caller as a photo uploader.
func uploaderOf(p auth.Principal) photo.Uploader {
	return photo.Uploader{Kind: p.ActorKind(), ID: p.ActorID()}
}

// uploadPhoto takes one image, as multipart field "file" or as the raw body.
func (s *Server) uploadPhoto(c *gin.Context) {
	p := principal(c)
	body, closeBody, err := photoBody(c)
	if err != nil {
		writeError(c, err)
		return
	}
	defer closeBody()
	var household *int64
	if p.Role == auth.RoleHousehold {
		household = &p.HouseholdID
	}
	ph, err := s.d.Photos.Upload(c.Request.Context(), uploaderOf(p), household, body)
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusCreated, gin.H{"id": ph.ID, "content_type": ph.ContentType, "size_bytes": ph.SizeBytes})
}

func photoBody(c *gin.Context) (io.Reader, func(), error) {
	if strings.HasPrefix(c.ContentType(), "multipart/") {
		fh, err := c.FormFile("file")
		if err != nil {
			if strings.Contains(err.Error(), "too large") {
				return nil, nil, errTooLarge
			}
			return nil, nil, apperr.BadInput("missing_file", "请在 file 字段上传图片")
		}
		f, err := fh.Open()
		if err != nil {
			return nil, nil, err
		}
		return f, func() { f.(multipart.File).Close() }, nil
	}
	return c.Request.Body, func() {}, nil
}

func (s *Server) getPhoto(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		writeError(c, apperr.Missing("照片"))
		return
	}
	p := principal(c)
	ph, rc, err := s.d.Photos.Open(c.Request.Context(), p.Scope(), uploaderOf(p), id)
	if err != nil {
		writeError(c, err)
		return
	}
	defer rc.Close()
	c.Header("Cache-Control", "private, max-age=86400")
	c.DataFromReader(http.StatusOK, int64(ph.SizeBytes), ph.ContentType, rc, nil)
}
